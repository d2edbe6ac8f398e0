from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from .models import Room
from .permissions import may_post
from .slugs import SLUG_MAX_LENGTH, SLUG_RULE, is_room_slug

RECENT_ROOMS = 50


class OpenRoomForm(forms.Form):
    slug = forms.CharField(
        label="Room name",
        widget=forms.TextInput(
            attrs={"placeholder": "lobby", "autocomplete": "off", "maxlength": SLUG_MAX_LENGTH}
        ),
    )

    def clean_slug(self) -> str:
        # One rule, one message: a field with several validators would list each one it broke.
        slug = self.cleaned_data["slug"]
        if not is_room_slug(slug):
            raise forms.ValidationError(SLUG_RULE, code="invalid")
        return slug


async def home(request: HttpRequest) -> HttpResponse:
    """The newest rooms, and a form that opens any room by name (made on its first message)."""
    await request.auser()  # for the header, which names the user
    form = OpenRoomForm(request.GET or None)
    if form.is_valid():
        return redirect("rooms:room", slug=form.cleaned_data["slug"])
    rooms = [room async for room in Room.objects.order_by("-created")[:RECENT_ROOMS]]
    return render(request, "home.html", {"form": form, "rooms": rooms})


async def room(request: HttpRequest, slug: str) -> HttpResponse:
    """The page only: room.js loads the history through the API.

    A visitor who may not post gets a link to log in where the message box would be.
    """
    user = await request.auser()
    return render(request, "rooms/room.html", {"slug": slug, "may_post": may_post(user)})
