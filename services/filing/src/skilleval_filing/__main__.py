from __future__ import annotations

from skilleval_filing.bootstrap import build_app
from skilleval_filing.settings import FilingSettings
from skilleval_shared.web.serve import serve


def main() -> None:
    settings = FilingSettings()
    serve(build_app(settings), settings)


if __name__ == "__main__":
    main()
