"""Score one company from a JSON file (or ``-`` for stdin) with the pure rule.

    python manage.py credit_score input.json
    echo '{...}' | python manage.py credit_score -

Input and output follow ``property.credit.scoring.score_json``. Bad input prints one line
``error: ...`` on stderr and exits with status 1.
"""

from portal.core.json_command import JsonRuleCommand
from property.credit.scoring import ScoringError, score_json


class Command(JsonRuleCommand):
    help = "Score a property company from a JSON file ('-' for stdin); prints the result as JSON."
    rule = staticmethod(score_json)
    errors = (ScoringError,)
    dumps_options = {"sort_keys": True}
