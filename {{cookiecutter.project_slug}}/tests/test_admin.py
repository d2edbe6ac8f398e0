"""Django's admin at ADMIN_URL: the users, rooms and messages, listed, searched and filtered."""

import runpy

import pytest
from django.contrib.auth import get_user_model
from django.test import AsyncClient

from {{ cookiecutter.project_slug }}.rooms.models import Message, Room

import config.urls

User = get_user_model()


@pytest.fixture
async def admin(transactional_db: None) -> AsyncClient:
    """A client logged in as a superuser."""
    user = await User.objects.acreate_superuser("admin", "admin@example.com", "unused-password-1")
    client = AsyncClient()
    await client.aforce_login(user)
    return client


@pytest.mark.django_db(transaction=True)
async def test_the_admin_lists_searches_and_filters_rooms_and_messages(admin: AsyncClient):
    lobby = await Room.objects.acreate(slug="lobby")
    await Room.objects.acreate(slug="kitchen")
    ada = await User.objects.acreate_user("ada", "ada@example.com", "unused-password-1")
    await Message.objects.acreate(room=lobby, author=ada, text="hello from ada")
    await Message.objects.acreate(room=lobby, text="hello from a visitor")

    rooms = (await admin.get("/admin/rooms/room/?q=lob")).content.decode()
    messages = (await admin.get("/admin/rooms/message/")).content.decode()
    anonymous = (await admin.get("/admin/rooms/message/?author__isempty=1")).content.decode()
    users = (await admin.get("/admin/users/user/?q=ada")).content.decode()

    assert ">lobby<" in rooms
    assert ">kitchen<" not in rooms
    assert "hello from ada" in messages
    assert "hello from a visitor" in messages
    assert "hello from a visitor" in anonymous
    assert "hello from ada" not in anonymous
    assert ">ada<" in users


@pytest.mark.django_db(transaction=True)
async def test_the_admin_refuses_visitors():
    response = await AsyncClient().get("/admin/rooms/message/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_admin_url_moves_the_admin(settings):
    settings.ADMIN_URL = "backstage/"

    # The URLconf as a process with this setting builds it.
    urlpatterns = runpy.run_path(config.urls.__file__)["urlpatterns"]

    [admin] = [entry for entry in urlpatterns if getattr(entry, "namespace", None) == "admin"]
    assert str(admin.pattern) == "backstage/"
