"""The site icon is served (no 404 on every page) and staff avatars never come from Gravatar,
which is blocked on the mainland (issue 15)."""

import pytest
from django.contrib.staticfiles import finders

from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_favicon_ico_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO file


@pytest.mark.parametrize("theme", ["default", "care"])
def test_every_page_links_an_icon_that_exists(client, home_page, theme):
    client.cookies["gongzhi_theme"] = theme
    html = client.get("/").content.decode()
    for name in ("default/img/favicon.svg", "default/img/favicon.ico"):
        assert f'href="/static/{name}"' in html
        assert finders.find(name), name


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("张伟", "张伟"),
        ("欧阳娜娜", "娜娜"),
        ("李", "李"),
        ("Li Wei", "LW"),
        ("alice@example.cn", "A"),
        ("city.officer@demo.gongzhi.cn", "CO"),
        ("+8613800000042", "42"),
        ("", "?"),
    ],
)
def test_initials(name, expected):
    from portal.core.avatars import initials

    assert initials(name) == expected


def test_avatar_is_a_local_image_with_escaped_initials():
    from portal.core.avatars import avatar_data_url

    url = avatar_data_url("<b>", key="1")
    assert url.startswith("data:image/svg+xml,") and "<b>" not in url


@pytest.mark.parametrize("path", ["/admin/", "/admin/users/", "/admin/account/"])
def test_no_gravatar_in_the_admin(client, path):
    staff = make_user("城市管理员", mfa=True, is_staff=True, is_superuser=True)
    client.force_login(staff)
    response = client.get(path)
    html = response.content.decode()
    assert response.status_code == 200
    assert "gravatar.com" not in html
    assert "data:image/svg+xml," in html
