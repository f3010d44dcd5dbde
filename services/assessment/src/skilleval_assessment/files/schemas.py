"""What the file endpoints answer."""

from __future__ import annotations

from pydantic import BaseModel, Field


class UploadedFile(BaseModel):
    purpose: str = Field(title="用途：photo 照片 / evidence 证明材料")
    filename: str = Field(title="文件名")
    content_type: str = Field(title="文件类型（按内容识别）")
    size_bytes: int = Field(title="大小（字节）")
    sha256: str = Field(title="SHA-256（报名或登记成绩时引用）")
