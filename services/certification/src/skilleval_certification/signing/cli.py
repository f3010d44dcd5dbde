"""Verify a scanned certificate QR payload offline against a JWKS file.

    uv run python -m skilleval_certification.signing.cli --jwks keys.json '<payload>'

Exit status 0 and the signed contents when the signature holds, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from skilleval_certification.signing.model import SignatureInvalid, verify
from skilleval_shared.validation.occupation import SkillLevel

LABELS = {
    "n": "证书编号",
    "h": "姓名",
    "o": "职业编码",
    "w": "工种",
    "d": "发证日期",
    "u": "发证机构统一社会信用代码",
    "c": "发证次数",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="离线校验证书二维码签名")
    parser.add_argument("--jwks", required=True, type=Path, help="公钥集（JWKS）文件")
    parser.add_argument("payload", help="扫描所得的二维码内容")
    args = parser.parse_args(argv)
    key_set = json.loads(args.jwks.read_text(encoding="utf-8"))
    try:
        claims = verify(args.payload, key_set)
    except SignatureInvalid as error:
        print(f"校验失败：{error}")
        return 1
    print("签名有效")
    for short, label in LABELS.items():
        print(f"{label}：{claims.get(short, '')}")
    print(f"职业技能等级：{SkillLevel(int(claims['l'])).title}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
