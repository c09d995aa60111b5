"""The style and script of report.html, inlined into the page (nothing is fetched).

Colours pass WCAG AA: text on white and white on the fills at 4.5:1 or more
(tests/test_report_html.py measures them). Three layouts: a screen, a phone (under 700
pixels wide: the narrow timeline, tables that wrap or scroll inside their card) and print
(the whole transcript, no player).
"""

from __future__ import annotations

from listenwell.records import INTERVIEWEE, INTERVIEWER

COLOURS = {INTERVIEWER: "#b45309", INTERVIEWEE: "#1d4ed8"}
OTHER_COLOUR = "#4b5563"
PLANNED, FOLLOWUP, MAYBE = "#15803d", "#6d28d9", "#15803d"
BUDGET = "#b91c1c"
MUTED = "#5b6473"
INK = "#1d2430"
PAPER = "#f6f7f9"
NOTE_FILL, NOTE_EDGE = "#facc15", "#854d0e"

CSS = f"""
*{{box-sizing:border-box}}[hidden]{{display:none!important}}
body{{font:15px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:{INK};background:{PAPER}}}
main{{max-width:1080px;margin:0 auto;padding:24px}}
h1{{font-size:1.5em;margin:0 0 4px;overflow-wrap:anywhere}}h2{{font-size:1.15em;margin:4px 0 10px}}
.meta,.small,.muted{{color:{MUTED}}}.small{{font-size:.88em}}
section{{background:#fff;border:1px solid #e2e5ea;border-radius:8px;padding:14px 18px;margin:14px 0;min-width:0}}
ul.findings li{{margin:4px 0}}
.table-wrap{{overflow-x:auto}}
table{{border-collapse:collapse;width:100%;font-size:.93em}}
th,td{{text-align:left;padding:6px 8px;border-bottom:1px solid #eceef2;vertical-align:top}}
td.num,th.num{{text-align:right;white-space:nowrap}}
tr.not-asked td{{color:{MUTED}}}tr.maybe td{{background:#f0fdf4}}
.badge{{display:inline-block;padding:0 7px;border-radius:9px;font-size:.8em;font-weight:600;color:#fff;white-space:nowrap}}
.badge.asked{{background:{PLANNED}}}.badge.maybe{{background:#fff;color:{MAYBE};border:1px dashed {MAYBE}}}
.badge.not-asked{{background:#6b7280}}
.qid{{color:{MUTED};font-size:.85em;font-family:ui-monospace,monospace}}
.sharebar{{position:relative;display:flex;height:28px;border-radius:5px;overflow:visible;background:#e5e7eb;margin:4px 0 6px}}
.sharebar .seg{{height:100%}}.sharebar .seg:first-child{{border-radius:5px 0 0 5px}}.sharebar .seg:last-of-type{{border-radius:0 5px 5px 0}}
.sharebar .target{{position:absolute;top:-5px;bottom:-5px;width:0;border-left:3px dashed {INK}}}
.legend{{list-style:none;padding:0;margin:6px 0;display:flex;flex-wrap:wrap;gap:4px 18px}}
.sw{{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:6px;vertical-align:-1px}}
.sw.target{{width:0;height:14px;border-left:3px dashed {INK};border-radius:0}}
.margin{{margin:4px 0}}
dl.stats{{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:8px 0 0}}dl.stats dt{{color:{MUTED}}}dl.stats dd{{margin:0}}
.chart svg{{display:block;width:100%;height:auto}}#timeline-narrow{{display:none}}
svg text{{font-family:system-ui,sans-serif;fill:{INK}}}
.q-marker,.note-marker,.unheard-marker{{cursor:pointer}}
.q-marker:hover circle,.note-marker:hover rect{{stroke:#000;stroke-width:1.5}}
audio{{width:100%;margin:6px 0 10px}}
.warn{{background:#fef3c7;border:1px solid #d97706;border-radius:6px;padding:8px 12px;color:#78350f}}
#transcript{{max-height:560px;overflow:auto}}
.line{{margin:0;padding:4px 6px;border-radius:5px;cursor:pointer;display:flex;gap:10px}}
.line:hover{{background:#eef3fb}}.line.playing{{background:#fff4d6}}
.line .ts{{color:{MUTED};font-variant-numeric:tabular-nums;min-width:3.2em}}
.line .spk{{font-weight:600;min-width:7.5em;max-width:10em;overflow-wrap:anywhere}}
.spk.interviewer{{color:{COLOURS[INTERVIEWER]}}}.spk.interviewee{{color:{COLOURS[INTERVIEWEE]}}}.spk.other{{color:{OTHER_COLOUR}}}
.note-line{{margin:4px 0 4px 4.2em;padding:2px 8px;border-left:4px solid {NOTE_EDGE};background:#fefce8;font-size:.92em;cursor:pointer}}
a{{color:#1d4ed8}}
@media (max-width:700px){{
  main{{padding:10px}}section{{padding:10px 12px}}
  #timeline{{display:none}}#timeline-narrow{{display:block}}
  .col-priority,.col-share{{display:none}}
  #questions thead{{display:none}}
  #questions tr{{display:grid;grid-template-columns:1.6em auto auto 1fr;gap:2px 10px;padding:8px 0;border-bottom:1px solid #eceef2}}
  #questions td{{border:none;padding:0;text-align:left}}
  #questions td:first-child{{grid-row:span 2}}#questions td:nth-child(2){{grid-column:2 / -1}}
  .line{{flex-wrap:wrap;gap:0 8px}}.line .spk{{min-width:0}}.line .text{{flex:1 1 100%}}
  .note-line{{margin-left:0}}
  dl.stats{{grid-template-columns:1fr}}dl.stats dd{{margin-bottom:6px}}
}}
@media print{{
  body{{background:#fff;font-size:10.5pt}}main{{max-width:none;padding:0}}
  section{{border:none;padding:0;margin:10px 0}}
  audio,.warn,.no-print{{display:none!important}}
  #transcript{{max-height:none!important;overflow:visible!important}}
  #timeline{{display:block!important}}#timeline-narrow{{display:none!important}}
  .line,.note-line,tr{{break-inside:avoid}}h2{{break-after:avoid}}
  a{{color:inherit;text-decoration:none}}
}}
"""

JS = """
(function(){
  var audio=document.getElementById('audio'), missing=document.getElementById('audio-missing');
  function seek(t){
    if(!audio){return;}
    audio.currentTime=t;
    var p=audio.play(); if(p&&p.catch){p.catch(function(){});}
  }
  document.querySelectorAll('[data-start]').forEach(function(el){
    el.addEventListener('click',function(ev){ev.preventDefault();seek(parseFloat(el.getAttribute('data-start')));});
  });
  if(audio){audio.addEventListener('error',function(){ if(missing){missing.hidden=false;} });}
  var lines=Array.prototype.slice.call(document.querySelectorAll('#transcript .line')), box=document.getElementById('transcript'), at=-1;
  if(audio){audio.addEventListener('timeupdate',function(){
    var t=audio.currentTime, lo=0, hi=lines.length-1, n=-1;
    while(lo<=hi){var mid=(lo+hi)>>1; if(parseFloat(lines[mid].dataset.start)<=t){n=mid;lo=mid+1;}else{hi=mid-1;}}
    if(n>=0&&t>parseFloat(lines[n].dataset.end)+1){n=-1;}
    if(n===at){return;}
    if(at>=0){lines[at].classList.remove('playing');}
    at=n;
    if(n<0){return;}
    lines[n].classList.add('playing');
    if(!audio.paused){box.scrollTop=lines[n].offsetTop-box.offsetTop-box.clientHeight/3;}
  });}
})();
"""
