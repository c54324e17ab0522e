from carbonexpo.cli import main

main()
