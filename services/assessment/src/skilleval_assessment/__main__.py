from __future__ import annotations

from skilleval_assessment.bootstrap import build_app
from skilleval_assessment.settings import AssessmentSettings
from skilleval_shared.web.serve import serve


def main() -> None:
    settings = AssessmentSettings()
    serve(build_app(settings), settings)


if __name__ == "__main__":
    main()
