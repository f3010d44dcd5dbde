"""The candidate import sheet: its template (xlsx), and reading an upload (xlsx through
python-calamine, or CSV) into forms, each bad row reported with its number, column and reason.
Row numbers are the sheet's own: the header is row 1."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from pydantic import ValidationError
from python_calamine import CalamineWorkbook

from skilleval_assessment.candidates.model import PROGRESS_EVERY, CandidateForm, RowError
from skilleval_shared.problems import field_errors

COLUMNS: tuple[tuple[str, str], ...] = (
    ("name", "姓名"),
    ("id_type", "证件类型"),
    ("id_number", "证件号"),
    ("gender", "性别"),
    ("birth_date", "出生日期"),
    ("phone", "联系电话"),
    ("email", "电子邮箱"),
    ("employment", "人员类别"),
    ("employer", "所在单位"),
    ("post", "所在岗位"),
    ("hire_date", "入职时间"),
    ("years_in_occupation", "从事本职业(工种)年限"),
    ("education", "文化程度"),
    ("title", "职称"),
    ("certificate_level", "现有证书等级"),
    ("certificate_number", "现有证书编号"),
    ("occupation_code", "职业编码"),
    ("work_type", "工种名称"),
    ("level", "申报等级"),
    ("tier", "企业内部等级"),
    ("condition_id", "申报条件编号"),
    ("ground", "破格理由"),
    ("evidence", "破格依据"),
    ("evidence_sha256", "破格证明材料SHA-256"),
    ("photo_sha256", "照片SHA-256"),
)
FIELD_OF = {title: field for field, title in COLUMNS}
TITLE_OF = dict(COLUMNS)
EXAMPLE = (
    "张三", "居民身份证", "11010519491231002X", "", "", "13800000000", "zhangsan@example.com",
    "在岗职工", "青岛示例机械有限公司", "数控车床操作", "2015-03-01", "8", "技工学校", "", "5", "",
    "6-18-01-01", "数控车工", "4", "", "", "", "", "", "",
)  # fmt: skip
MAX_ROWS = 100_000


class SheetError(ValueError):
    """The file itself cannot be read (not an xlsx or CSV, no header, unknown columns)."""


def template_xlsx() -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("报名人员")
    sheet.append([title for _, title in COLUMNS])
    sheet.append(list(EXAMPLE))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def cell_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


def table_of(content: bytes, kind: str) -> list[list[Any]]:
    try:
        if kind == "csv":
            text = content.decode("utf-8-sig")
            return [row for row in csv.reader(io.StringIO(text))]
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        return list(workbook.get_sheet_by_index(0).to_python(skip_empty_area=False))
    except UnicodeDecodeError:
        raise SheetError("CSV文件应为UTF-8编码") from None
    except Exception:
        raise SheetError("无法读取文件，请使用下载的模板（xlsx）或UTF-8编码的CSV") from None


def _column_of(error: dict[str, str]) -> str:
    field = error["field"].split(".")[0]
    if field in TITLE_OF:
        return TITLE_OF[field]
    message = error["message"]
    for word in ("出生日期", "性别", "入职时间", "申报等级"):
        if word in message:
            return word
    return "证件号"


def read(
    content: bytes, kind: str, on_rows: Callable[[int], None] = lambda count: None
) -> tuple[list[tuple[int, CandidateForm]], list[RowError]]:
    """The forms of the sheet's rows and every bad row; ``on_rows`` hears how many rows have
    been read so far, every few hundred."""
    table = table_of(content, kind)
    if not table:
        raise SheetError("文件中没有表头")
    headers = [cell_text(title) or "" for title in table[0]]
    unknown = [title for title in headers if title and title not in FIELD_OF]
    if unknown:
        raise SheetError(f"无法识别的列：{'、'.join(unknown)}（请使用下载的模板）")
    if len(table) - 1 > MAX_ROWS:
        raise SheetError(f"一次最多导入{MAX_ROWS}行")
    fields = [FIELD_OF.get(title) for title in headers]
    forms: list[tuple[int, CandidateForm]] = []
    errors: list[RowError] = []
    for number, cells in enumerate(table[1:], start=2):
        if number % PROGRESS_EVERY == 0:
            on_rows(number - 2)  # data rows read so far (the header is row 1)
        values = {
            field: text
            for field, cell in zip(fields, cells, strict=False)
            if field and (text := cell_text(cell)) is not None
        }
        if not values:
            continue  # an empty line
        try:
            forms.append((number, CandidateForm.model_validate(values)))
        except ValidationError as error:
            found = field_errors(error.errors(include_url=False, include_input=False))
            errors.extend(RowError(number, _column_of(item), item["message"]) for item in found)
    return forms, errors
