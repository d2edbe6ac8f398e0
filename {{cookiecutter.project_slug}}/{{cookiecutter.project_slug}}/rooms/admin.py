from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from .models import Message, Room


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ["slug", "created", "message_count"]
    list_filter = ["created"]
    search_fields = ["slug"]
    date_hierarchy = "created"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Room]:
        return super().get_queryset(request).annotate(message_count=Count("messages"))

    @admin.display(description="messages", ordering="message_count")
    def message_count(self, room: Room) -> int:
        return room.message_count


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["short_text", "room", "author", "created"]
    list_filter = ["created", ("author", admin.EmptyFieldListFilter)]
    list_select_related = ["room", "author"]
    search_fields = ["text", "room__slug", "author__username"]
    date_hierarchy = "created"
    # Rooms and users can be many: pick them by search rather than from a list of every one.
    autocomplete_fields = ["room", "author"]

    @admin.display(description="text")
    def short_text(self, message: Message) -> str:
        return message.text if len(message.text) <= 80 else f"{message.text[:79]}…"
