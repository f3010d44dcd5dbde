"""The certificate as an A4 PDF in the reference style, with an embedded CJK font and the QR."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

import qrcode
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from skilleval_certification.certificates.model import Certificate

FONT = "WenQuanYiZenHei"
FONT_FILES = (
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc"),
)
LOOKUP_ADDRESSES = (
    "技能人才评价证书全国联网查询：http://zscx.osta.org.cn",
    "山东省职业技能等级证书查询：http://hrss.shandong.gov.cn",
)


@cache
def _font() -> str:
    for path in FONT_FILES:
        if path.exists():
            pdfmetrics.registerFont(TTFont(FONT, str(path), subfontIndex=0))
            return FONT
    raise RuntimeError("CJK font missing: install fonts-wqy-zenhei (make setup does)")


def _qr_png(payload: str) -> bytes:
    image = qrcode.make(payload, error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def render(certificate: Certificate, *, qr_payload: str, photo: bytes | None = None) -> bytes:
    font = _font()
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4, pageCompression=1)
    page.setTitle(f"职业技能等级证书 {certificate.certificate_number}")
    width, height = A4
    page.setStrokeColorRGB(0.6, 0.45, 0.15)
    page.setLineWidth(3)
    page.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    page.setFont(font, 30)
    page.drawCentredString(width / 2, height - 45 * mm, "职业技能等级证书")
    if photo:
        page.drawImage(ImageReader(io.BytesIO(photo)), 30 * mm, height - 110 * mm, 35 * mm, 45 * mm)
    else:
        page.rect(30 * mm, height - 110 * mm, 35 * mm, 45 * mm)
        page.setFont(font, 10)
        page.drawCentredString(47.5 * mm, height - 88 * mm, "照片")
    fields = (
        ("姓名", certificate.holder_name),
        ("证件类型", certificate.id_type.value),
        ("证件号码", certificate.id_number),
        ("职业名称", certificate.occupation_name),
        ("工种", certificate.work_type or "--"),
        ("职业技能等级", certificate.level_title),
        ("证书编号", certificate.certificate_number),
        ("发证日期", f"{certificate.printed_on:%Y年%m月%d日}"),
        ("发证机构", certificate.institution_name),
    )
    y = height - 70 * mm
    for label, value in fields:
        page.setFont(font, 12)
        page.drawString(80 * mm, y, f"{label}：")
        page.setFont(font, 13)
        page.drawString(108 * mm, y, value)
        y -= 11 * mm
    if len(certificate.issues) > 1:
        page.setFont(font, 10)
        page.drawString(
            80 * mm,
            y,
            f"备注：{certificate.issues[-1].remark}（第{len(certificate.issues) - 1}次补发）",
        )
    page.drawImage(ImageReader(io.BytesIO(_qr_png(qr_payload))), 30 * mm, 40 * mm, 45 * mm, 45 * mm)
    page.setFont(font, 9)
    page.drawString(30 * mm, 35 * mm, "扫码验证证书真伪")
    for offset, address in enumerate(LOOKUP_ADDRESSES):
        page.drawString(85 * mm, 70 * mm - offset * 7 * mm, address)
    page.setFont(font, 12)
    page.drawString(120 * mm, 45 * mm, f"{certificate.institution_name}（盖章）")
    page.showPage()
    page.save()
    return out.getvalue()
