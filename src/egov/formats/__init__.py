"""Django's locale formats for egov (``FORMAT_MODULE_PATH``): one date and date-time format in
both languages (07/12/2026 · 07/12/2026 14:05), and each language's number separators
(8.000 in Vietnamese, 8,000 in English). ``egov.core.formats`` builds every shown value on
these."""
