"""`python -m marsad` runs the command-line interface."""

from marsad.cli.main import run

run()
