import sys

from socialaid.payments.main import SPEC
from socialaid.web.service import main


def run() -> None:
    sys.exit(main(SPEC))


if __name__ == "__main__":
    run()
