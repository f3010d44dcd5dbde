from __future__ import annotations

from skilleval_registry.bootstrap import build_app
from skilleval_registry.settings import RegistrySettings
from skilleval_shared.web.serve import serve


def main() -> None:
    settings = RegistrySettings()
    serve(build_app(settings), settings)


if __name__ == "__main__":
    main()
