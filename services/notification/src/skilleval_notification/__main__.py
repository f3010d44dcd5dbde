from __future__ import annotations

from skilleval_notification.bootstrap import build_app
from skilleval_notification.settings import NotificationSettings
from skilleval_shared.web.serve import serve


def main() -> None:
    settings = NotificationSettings()
    serve(build_app(settings), settings)


if __name__ == "__main__":
    main()
