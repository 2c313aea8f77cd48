# egov's English formats (see egov/formats/__init__.py): the same dates as in Vietnamese,
# only the number separators differ.
from egov.formats.vi.formats import *  # noqa: F403

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
