"""``manage.py vote_tally FILE`` (``-`` for stdin): count a vote given as JSON with the pure rule
engine (``voting.tally.tally_json``) and print the result JSON. Bad input: a one-line error and a
non-zero exit."""

from portal.core.json_command import JsonRuleCommand
from voting.tally import tally_json


class Command(JsonRuleCommand):
    help = "Count a vote from JSON (see voting.tally.tally_json) and print the result as JSON."
    rule = staticmethod(tally_json)
    errors = (ValueError,)
