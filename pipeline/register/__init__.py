"""The register: every model's and exemplar's life from 2025 to 2031 in one SQLite file, the ledger
of received files, their archive in ``outbox/luu-tru/`` and the register's backups.

The stages import the register's public names from this package; the modules inside are its own:
``store`` (the SQLite store: schema, :class:`Register`, opening), ``tracked_year`` (a tracked year
read and written in bulk), ``known`` (what validation checks item codes and proposals against),
``backups``, ``archive`` (the sidecars and records ``dvk rebuild`` reads) and ``paths`` (where all
of these lie in a workspace). ``year_run`` (a run over one year: the workspace, config, year,
moment and open register as one value) is imported from its module.
"""

from .archive import (
    read_import_sidecars,
    read_mail_sent,
    read_sidecars,
    restore_from_sidecar,
    restore_mail_sent,
    write_import_sidecar,
    write_mail_sent_record,
    write_sidecar,
)
from .backups import backups_to_drop
from .known import KnownItems, known_items, states_before
from .paths import ARCHIVE_FOLDER, BACKUP_FOLDER, REGISTER_FILE, archive_path, sidecar_path
from .store import FileEntry, ItemEntry, Register, open_new_register, open_register, scratch_register
from .tracked_year import EventRow, ItemRow, YearChanges, YearRow, YearSnapshot, values_digest, values_json

__all__ = [
    "ARCHIVE_FOLDER",
    "BACKUP_FOLDER",
    "REGISTER_FILE",
    "EventRow",
    "FileEntry",
    "ItemEntry",
    "ItemRow",
    "KnownItems",
    "Register",
    "YearChanges",
    "YearRow",
    "YearSnapshot",
    "archive_path",
    "backups_to_drop",
    "known_items",
    "open_new_register",
    "open_register",
    "read_import_sidecars",
    "read_mail_sent",
    "read_sidecars",
    "restore_from_sidecar",
    "restore_mail_sent",
    "scratch_register",
    "sidecar_path",
    "states_before",
    "values_digest",
    "values_json",
    "write_import_sidecar",
    "write_mail_sent_record",
    "write_sidecar",
]
