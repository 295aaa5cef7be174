"""`python -m pressbot` runs the command line."""

from pressbot.cli.main import main

if __name__ == "__main__":
    raise SystemExit(main())
