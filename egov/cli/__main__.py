"""`python -m egov.cli`: the same command line as `egov`."""

from egov.cli import main

main()
