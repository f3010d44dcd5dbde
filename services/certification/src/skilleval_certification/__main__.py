from __future__ import annotations

from skilleval_certification.bootstrap import build_app
from skilleval_certification.settings import CertificationSettings
from skilleval_shared.web.serve import serve


def main() -> None:
    settings = CertificationSettings()
    serve(build_app(settings), settings)


if __name__ == "__main__":
    main()
