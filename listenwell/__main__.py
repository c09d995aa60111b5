from listenwell.cli import main

main()
