"""Schema post-processing: every operation documents the JSON error shape for the errors any
endpoint can answer with (auth, throttling, validation, not found, conflicts)."""

from __future__ import annotations

from typing import Any

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "code": {"type": "string", "description": "Kode galat yang stabil."},
        "message": {"type": "string", "description": "Pesan dalam bahasa Indonesia."},
        "details": {"nullable": True},
    },
    "required": ["code", "message", "details"],
}
ERRORS = {
    "400": "Data tidak valid (`invalid`, `parse_error`).",
    "401": "Belum masuk atau token tidak valid.",
    "403": "Tidak berhak.",
    "404": "Tidak ditemukan (juga data milik orang lain).",
    "405": "Metode tidak didukung.",
    "406": "Format jawaban tidak tersedia.",
    "409": "Tidak dapat dilakukan pada status sekarang.",
    "415": "Format data tidak didukung.",
    "422": "Ditolak oleh pemeriksaan (berkas, kelengkapan).",
    "429": "Terlalu banyak permintaan atau akun dikunci sementara.",
}


def add_error_responses(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            for status, description in ERRORS.items():
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": ref}},
                    },
                )
    return result
