"""Apportion an amount among units: JSON in, JSON out (contract of ``apportion_json``).

    manage.py fund_apportion FILE        # or - for standard input

Bad input exits with status 1 and a one-line error on standard error.
"""

from portal.core.json_command import JsonRuleCommand
from property.fund.apportion import ApportionError, apportion_json


class Command(JsonRuleCommand):
    help = "Apportion an amount by area or balance (JSON in, JSON out; '-' reads stdin)."
    rule = staticmethod(apportion_json)
    errors = (ApportionError,)
