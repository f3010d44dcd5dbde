"""What the delivery-log endpoints answer."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from skilleval_notification.deliveries.model import Delivery, Status


class DeliveryView(BaseModel):
    id: str = Field(title="投递编号")
    event_id: str = Field(title="事件编号")
    event_type: str = Field(title="事件类型（CloudEvents type）")
    owner_uscc: str | None = Field(default=None, title="所属企业统一社会信用代码")
    recipient: str = Field(title="收件人")
    role: str = Field(title="收件人身份")
    subject: str = Field(title="邮件主题")
    status: Status = Field(title="状态：pending 待发送，retrying 重试中，sent 已发送，failed 失败")
    attempts: int = Field(title="已尝试次数")
    last_error: str | None = Field(default=None, title="最近一次失败原因")
    message_id: str = Field(title="Message-ID")
    created_at: datetime = Field(title="创建时间")
    sent_at: datetime | None = Field(default=None, title="发送时间")
    next_attempt_at: datetime | None = Field(default=None, title="下次重试时间")

    @classmethod
    def of(cls, delivery: Delivery) -> DeliveryView:
        return cls(
            id=delivery.id,
            event_id=delivery.event_id,
            event_type=delivery.event_type,
            owner_uscc=delivery.owner_uscc,
            recipient=delivery.recipient,
            role=delivery.role.value,
            subject=delivery.subject,
            status=delivery.status,
            attempts=delivery.attempts,
            last_error=delivery.last_error,
            message_id=delivery.message_id,
            created_at=delivery.created_at,
            sent_at=delivery.sent_at,
            next_attempt_at=delivery.next_attempt_at,
        )


class DeliveryPage(BaseModel):
    items: list[DeliveryView] = Field(title="投递记录")
    total: int = Field(title="符合条件的总数")
    limit: int = Field(title="每页条数")
    offset: int = Field(title="起始位置")
