"""allauth's forms drawn with the portal's field markup (issue 15; docs/ui.md "Forms").

allauth renders its forms with ``form.as_p``: on the sign-in page "记住我:" stood above a bare
check box (the 24-px box the only target), and the "forgot your password?" link sat beside the
password field. ``templates/allauth/elements/fields.html`` draws them as the portal's forms do.
"""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_sign_in_check_box_sits_in_its_label_row_and_help_under_its_field(client):
    page = client.get(reverse("account_login")).content.decode()
    # The check box inside its label: the whole row is the target (portal.css).
    assert re.search(r'<label for="id_remember">\s*<input type="checkbox"[^>]*>\s*记住我', page)
    # The password's help (the reset link) in a help block under the field, which the
    # field names as its description.
    assert re.search(r'<div class="helptext" id="id_password_helptext">\s*<a href="[^"]+">', page)
    assert re.search(r'<input[^>]*aria-describedby="id_password_helptext"', page)
    # Labels carry no suffix of Django's (the colon was ASCII in Chinese).
    assert not re.search(r"<label[^>]*>[^<]*[:：]\s*</label>", page)
