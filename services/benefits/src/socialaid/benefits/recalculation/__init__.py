"""Batch recalculation of active dibao entitlements after a parameter change (R-CA-01).

``run`` is the use case (take the oldest open run and execute it), ``store`` its bulk reads and
writes (fixed-width binary COPY, one ``UPDATE … FROM``, the bulk outbox writer) and ``events``
the bulk formatting of its ``entitlement.changed`` payloads. The vectorised rules are in
``domain/recalc.py``; runs as the API shows them are in ``use_cases/recalculation.py``.
"""
