// listenwell review: the transcript in step with the recording, and corrections by click and key.
// Every correction goes to the local server (POST /api/correct), which saves it to
// corrections.json and answers with the recomputed state; nothing else is kept here.
(function () {
  'use strict';
  var TOKEN = new URLSearchParams(location.search).get('t') || '';
  var $ = function (id) { return document.getElementById(id); };
  var audio = $('audio'), box = $('transcript');
  var state = null, words = [], lines = [], lineEls = [], wordEls = [];
  var anchor = null, sel = null, playing = -1, heldUntil = 0, editing = null;

  function url(path) { return path + (path.indexOf('?') < 0 ? '?' : '&') + 't=' + encodeURIComponent(TOKEN); }
  function api(path, body) {
    var opts = body ? { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) } : {};
    return fetch(url(path), opts).then(function (r) {
      return r.json().then(function (d) { if (!r.ok) { throw new Error(d.error || r.statusText); } return d; });
    });
  }
  function say(text, bad) { var s = $('status'); s.textContent = text; s.className = bad ? 'bad' : 'ok'; }
  function clock(t) {
    t = Math.max(0, Math.round(t || 0));
    var h = Math.floor(t / 3600), m = Math.floor(t % 3600 / 60), s = t % 60;
    var mm = (m < 10 ? '0' : '') + m, ss = (s < 10 ? '0' : '') + s;
    return h ? h + ':' + mm + ':' + ss : mm + ':' + ss;
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }
  function speakerNo(label) {
    for (var k = 0; k < state.speakers.length; k++) { if (state.speakers[k].label === label) { return k; } }
    return -1;
  }
  function nameOf(label) { var k = speakerNo(label); return k < 0 ? (label || '?') : state.speakers[k].name; }
  function pct(x) { return Math.round(100 * x) + ' %'; }

  // ---- drawing -------------------------------------------------------------------------
  function render(s) {
    state = s;
    document.title = 'Review: ' + s.title;
    $('title').textContent = s.title;
    var t = s.talk, share = '';
    if (t.interviewee_share !== null && t.interviewee_share !== undefined) {
      share = nameOf('interviewee') + ' spoke ' + pct(t.interviewee_share) +
        (t.margin_pp ? ' ± ' + Math.round(t.margin_pp) + ' pp' : '') + ' (target ' + pct(t.target_share) + ')';
    }
    $('share').textContent = share;
    if (!s.audio.present) { missing('The recording is not in the interview folder: the transcript can be corrected, but not played.'); }
    drawWho();
    drawTranscript();
    drawQuestions();
    drawCorrections();
    select(sel ? sel[0] : null, sel ? sel[1] : null, true);
    if (window.performance && performance.mark) { performance.mark('listenwell-drawn'); }
  }
  function drawWho() {
    var who = $('who');
    who.textContent = '';
    who.appendChild(el('span', 'muted', 'Said by:'));
    state.speakers.forEach(function (sp, k) {
      var b = el('button', 'spk-btn spk-' + Math.min(k, 2));
      b.type = 'button';
      b.textContent = sp.name + ' ';
      b.appendChild(el('kbd', '', String(k + 1)));
      b.setAttribute('aria-keyshortcuts', String(k + 1));
      b.dataset.label = sp.label;
      b.addEventListener('click', function () { setSpeaker(sp.label); });
      who.appendChild(b);
    });
  }
  function drawTranscript() {
    var frag = document.createDocumentFragment(), notes = state.notes.slice(), n = 0;
    words = []; lines = state.lines; lineEls = []; wordEls = [];
    lines.forEach(function (ln, li) {
      while (n < notes.length && notes[n].at_s <= ln.start) { frag.appendChild(noteEl(notes[n++])); }
      var k = speakerNo(ln.speaker);
      var row = el('div', 'line spk-' + (k < 0 ? 3 : Math.min(k, 2)));
      row.dataset.n = li;
      var ts = el('button', 'ts', clock(ln.start));
      ts.type = 'button';
      ts.title = 'Select this line and play it';
      ts.addEventListener('click', function () { selectLine(li, true); });
      row.appendChild(ts);
      row.appendChild(el('span', 'spk', nameOf(ln.speaker)));
      var text = el('span', 'text');
      ln.words.forEach(function (w, j) {
        var i = words.length;
        words.push([w[0], w[1], w[2], li]);
        var span = el('span', 'w', w[2]);
        span.dataset.i = i;
        wordEls.push(span);
        if (j) { text.appendChild(document.createTextNode(' ')); }
        text.appendChild(span);
      });
      row.appendChild(text);
      lineEls.push(row);
      frag.appendChild(row);
    });
    while (n < notes.length) { frag.appendChild(noteEl(notes[n++])); }
    box.textContent = '';
    box.appendChild(frag);
    playing = -1;
  }
  function noteEl(note) {
    var d = el('div', 'note', (note.kind === 'mark' ? 'Mark' : 'Note') + ' ' + clock(note.at_s) + (note.text ? ': ' + note.text : ''));
    d.setAttribute('role', 'note');
    return d;
  }
  function drawQuestions() {
    var ol = $('questions');
    ol.textContent = '';
    if (!state.questions.length) { ol.appendChild(el('li', 'muted', 'No plan: put plan.toml or plan.md in the folder to check questions.')); }
    state.questions.forEach(function (q) {
      var li = el('li', 'q q-' + q.state.replace(' ', '-'));
      li.dataset.q = q.id;
      var badge = q.state === 'maybe' ? 'maybe' + (q.confidence !== null ? ' ' + pct(q.confidence) : '') : q.state;
      if (q.decided_by === 'user') { badge += ' (you)'; }
      li.appendChild(el('span', 'badge', badge));
      li.appendChild(el('span', 'qtext', q.text));
      if (q.asked_at_s !== null && q.asked_at_s !== undefined) {
        var at = el('button', 'ts', clock(q.asked_at_s));
        at.type = 'button';
        at.title = 'Play where it was asked';
        at.addEventListener('click', function () { seek(q.asked_at_s, true); });
        li.appendChild(at);
        if (q.asked_text) { li.appendChild(el('span', 'asked small', '“' + q.asked_text + '”')); }
      }
      var acts = el('span', 'acts');
      if (q.asked_at_s !== null && q.asked_at_s !== undefined && !(q.state === 'asked' && q.decided_by === 'user')) {
        acts.appendChild(action('Confirm', 'confirm', function () { correct({ kind: 'question', question: q.id, state: 'asked', at: q.asked_at_s }); }));
      }
      if (q.state !== 'not asked' || q.decided_by !== 'user') {
        acts.appendChild(action('Not asked', 'reject', function () { correct({ kind: 'question', question: q.id, state: 'not asked' }); }));
      }
      acts.appendChild(action('Asked here', 'repoint', function () { correct({ kind: 'question', question: q.id, state: 'asked', at: here() }); }));
      li.appendChild(acts);
      ol.appendChild(li);
    });
  }
  function action(label, cls, fn) {
    var b = el('button', 'act ' + cls, label);
    b.type = 'button';
    b.addEventListener('click', fn);
    return b;
  }
  function drawCorrections() {
    var ul = $('corrections');
    ul.textContent = '';
    if (!state.corrections.length) { ul.appendChild(el('li', 'muted', 'None yet.')); }
    state.corrections.forEach(function (c) { ul.appendChild(el('li', '', c.said)); });
    state.not_applied.forEach(function (why) { ul.appendChild(el('li', 'bad', 'No longer applies: ' + why)); });
  }

  // ---- selection -----------------------------------------------------------------------
  function select(i, j, quiet) {
    wordEls.forEach(function (w) { w.classList.remove('sel'); });
    if (i === null || i === undefined || !words.length) { sel = null; anchor = null; tools(); return; }
    i = Math.max(0, Math.min(i, words.length - 1)); j = Math.max(0, Math.min(j, words.length - 1));
    sel = [Math.min(i, j), Math.max(i, j)];
    for (var k = sel[0]; k <= sel[1]; k++) { wordEls[k].classList.add('sel'); }
    if (!quiet) { wordEls[j].scrollIntoView({ block: 'nearest' }); }
    tools();
  }
  function tools() {
    var s = $('sel');
    if (!sel) { s.textContent = 'Click a word to select it, shift-click another to select everything between.'; return; }
    var n = sel[1] - sel[0] + 1;
    s.textContent = n + ' word' + (n === 1 ? '' : 's') + ' selected, ' + clock(words[sel[0]][0]) + '–' + clock(words[sel[1]][1]);
  }
  function selectLine(li, play) {
    var first = null, last = null;
    words.forEach(function (w, i) { if (w[3] === li) { if (first === null) { first = i; } last = i; } });
    if (first === null) { return; }
    anchor = first;
    select(first, last);
    heldUntil = 0;
    seek(lines[li].start, play);
  }
  function here() { return sel ? words[sel[0]][0] : (audio.currentTime || 0); }

  box.addEventListener('click', function (ev) {
    var w = ev.target.closest('.w');
    if (!w) { return; }
    var i = +w.dataset.i;
    if (ev.shiftKey && anchor !== null) { select(anchor, i); } else { anchor = i; select(i, i); seek(words[i][0], false); }
  });

  // ---- corrections ---------------------------------------------------------------------
  function correct(body) {
    say('Saving…');
    return api('/api/correct', body).then(function (s) {
      render(s);
      var last = s.corrections[s.corrections.length - 1];
      say(body.kind === 'undo' ? 'Undone.' : 'Saved: ' + (last ? last.said : ''));
    }).catch(function (e) { say(e.message, true); });
  }
  function need() { if (!sel) { say('Select some words first (click one).', true); } return !!sel; }
  function setSpeaker(label) {
    if (need()) { correct({ kind: 'speaker', start: words[sel[0]][0], end: words[sel[1]][1], speaker: label }); }
  }
  function split() {
    if (!need()) { return; }
    var li = words[sel[0]][3], line = lines[li], other = null;
    state.speakers.forEach(function (sp) { if (other === null && sp.label !== line.speaker) { other = sp.label; } });
    var end = line.words[line.words.length - 1][1];
    correct({ kind: 'speaker', start: words[sel[0]][0], end: end, speaker: other });
  }
  function openEditor(kind) {
    if (kind === 'words' && !need()) { return; }
    editing = kind;
    var f = $('editor'), input = $('editor-text');
    $('editor-label').textContent = kind === 'words' ? 'Words said' : 'Note at ' + clock(here());
    input.value = kind === 'words' ? words.slice(sel[0], sel[1] + 1).map(function (w) { return w[2]; }).join(' ') : '';
    f.hidden = false;
    input.focus();
    input.select();
  }
  function closeEditor() { $('editor').hidden = true; editing = null; box.focus(); }
  $('editor').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var text = $('editor-text').value, kind = editing;
    closeEditor();
    if (kind === 'words') { correct({ kind: 'words', start: words[sel[0]][0], end: words[sel[1]][1], text: text }); }
    if (kind === 'note' && text.trim()) { correct({ kind: 'note', at: here(), text: text }); }
  });
  $('editor-cancel').addEventListener('click', closeEditor);
  $('split').addEventListener('click', split);
  $('edit').addEventListener('click', function () { openEditor('words'); });
  $('note').addEventListener('click', function () { openEditor('note'); });
  $('undo').addEventListener('click', function () { correct({ kind: 'undo' }); });
  $('keys').addEventListener('click', function () { $('help').showModal(); });
  $('help-close').addEventListener('click', function () { $('help').close(); });

  // ---- the recording -------------------------------------------------------------------
  function missing(text) { var m = $('audio-missing'); m.textContent = text; m.hidden = false; }
  audio.addEventListener('error', function () {
    missing('The recording (' + (state ? state.audio.file : 'audio') + ') cannot be played here: the transcript can be corrected, but not heard.');
  });
  function seek(t, play) {
    audio.currentTime = t;
    if (play) { var p = audio.play(); if (p && p.catch) { p.catch(function () {}); } }
  }
  function lineAt(t) {
    var lo = 0, hi = lines.length - 1, found = -1;
    while (lo <= hi) { var mid = (lo + hi) >> 1; if (lines[mid].start <= t) { found = mid; lo = mid + 1; } else { hi = mid - 1; } }
    return found >= 0 && t <= lines[found].end + 1.0 ? found : -1;
  }
  audio.addEventListener('timeupdate', function () {
    var n = lineAt(audio.currentTime);
    if (n === playing) { return; }
    if (playing >= 0 && lineEls[playing]) { lineEls[playing].classList.remove('playing'); }
    playing = n;
    if (n < 0) { return; }
    lineEls[n].classList.add('playing');
    if (Date.now() > heldUntil && !audio.paused) { lineEls[n].scrollIntoView({ block: 'center', behavior: 'smooth' }); }
  });
  // reading elsewhere: the page stops following the recording for a while
  ['wheel', 'touchmove'].forEach(function (e) { window.addEventListener(e, function () { heldUntil = Date.now() + 5000; }, { passive: true }); });

  // ---- keys ----------------------------------------------------------------------------
  document.addEventListener('keydown', function (ev) {
    if (ev.target.closest && ev.target.closest('input, textarea, dialog')) {
      if (ev.key === 'Escape' && editing) { ev.preventDefault(); closeEditor(); }
      return;
    }
    if (ev.ctrlKey || ev.metaKey || ev.altKey) { return; }
    var k = ev.key, cur = sel ? sel[0] : -1, handled = true;
    if (k === ' ') { if (audio.paused) { seek(sel ? words[sel[0]][0] : audio.currentTime, true); } else { audio.pause(); } }
    else if (k === 'j' || k === 'ArrowDown') { selectLine(Math.min(lines.length - 1, cur < 0 ? Math.max(playing, 0) : words[sel[1]][3] + 1), true); }
    else if (k === 'k' || k === 'ArrowUp') { selectLine(Math.max(0, cur < 0 ? Math.max(playing, 0) : words[cur][3] - 1), true); }
    else if (k === 'ArrowRight' || k === 'ArrowLeft') {
      var step = k === 'ArrowRight' ? 1 : -1;
      if (!sel) { anchor = 0; select(0, 0); } else if (ev.shiftKey) { select(anchor, (anchor === sel[0] ? sel[1] : sel[0]) + step); }
      else { anchor = (step > 0 ? sel[1] : sel[0]) + step; select(anchor, anchor); }
    }
    else if (/^[1-9]$/.test(k) && state && +k <= state.speakers.length) { setSpeaker(state.speakers[+k - 1].label); }
    else if (k === 's') { split(); }
    else if (k === 'e') { openEditor('words'); }
    else if (k === 'n') { openEditor('note'); }
    else if (k === 'u') { correct({ kind: 'undo' }); }
    else if (k === '?') { $('help').showModal(); }
    else if (k === 'Enter' && sel) { seek(words[sel[0]][0], true); }
    else if (k === 'Escape') { select(null); }
    else { handled = false; }
    if (handled) { ev.preventDefault(); }
  });

  api('/api/state').then(render).catch(function (e) { say(e.message, true); });
})();
