"""The catalogue as shipped, from ../shared/docs/domain.md.

Loaded by data migration 0002. Running databases are edited in the admin; a change to what
ships belongs in a new data migration, since editing this module reaches new databases only.
[LAW] items are mandatory, [LOCAL] items optional. Decisions where domain.md found no rule:
- the late-death statement (over 30 days) is asked for as a mandatory conditional item;
- deadline 24 hours for every variant, counted in clock hours from (re)submission;
- 5 MB per file, images or PDF unless the item is a photo.
"""

from __future__ import annotations

IMG_PDF = ["image", "pdf"]
IMG = ["image"]


# A newborn joins the KK through its birth registration (issuance.effects._birth issues the
# akta and the new KK version together); this variant changes data of people already on it.
NEWBORN_NOTE_VARIANT_NAME = "Perubahan data KK"
NEWBORN_NOTE = (
    "Untuk mengubah data anggota yang sudah ada di KK. Anak yang baru lahir ditambahkan ke KK "
    "lewat Pencatatan kelahiran (akta kelahiran): KK versi baru terbit bersama aktanya."
)
CHANGE_EVIDENCE_HELP = (
    "Bukti untuk setiap perubahan, boleh satu PDF beberapa halaman: mis. ijazah untuk "
    "pendidikan, buku nikah untuk status perkawinan, akta kelahiran untuk nama atau tanggal lahir."
)
# Several changes in one application (issue 15): rows of member, field and new value.
KK_CHANGE_FIELDS = ["changes", "reason"]


def req(
    code, name, *, help="", basis="law", mandatory=True, condition="", kinds=IMG_PDF, max_kb=5120
):
    return {
        "code": code,
        "name": name,
        "help_text": help,
        "basis": basis,
        "mandatory": mandatory,
        "condition": condition,
        "file_kinds": kinds,
        "max_size_kb": max_kb,
    }


def local(code, name, **kw):
    return req(code, name, basis="local", mandatory=False, **kw)


F102 = local("f102", "Formulir permohonan KK/KTP (F-1.02)")
KK = req("kk", "Kartu Keluarga", help="Foto seluruh halaman KK, semua tulisan terbaca.")
KK_OLD = req("kk_lama", "KK lama", help="Foto KK yang masih berlaku sebelum perubahan.")
# The evidence of one kind of change, asked for only when a row changes that field
# (condition changes_<field>, computed by applications.checks.answers); issue 15.
KK_CHANGE_EVIDENCE = [
    req(
        "ijazah",
        "Ijazah atau surat keterangan lulus terakhir",
        help="Untuk perubahan pendidikan.",
        condition="changes_education",
    ),
    req(
        "dokumen_perkawinan",
        "Buku nikah, akta perceraian atau akta kematian pasangan",
        help="Untuk perubahan status perkawinan.",
        condition="changes_marital_status",
    ),
]

SERVICES = [
    {
        "code": "kk",
        "name": "Kartu Keluarga (KK)",
        "order": 1,
        "description": "KK baru, pisah KK, perubahan data, KK hilang atau rusak.",
        "variants": [
            {
                "code": "kk-keluarga-baru",
                "name": "KK baru setelah menikah",
                "output": "document",
                "form_fields": [
                    "spouse_nik",
                    "marriage_date",
                    "unregistered_marriage",
                    "address",
                    "rt",
                    "rw",
                ],
                "eligibility": ["member_alive"],
                "requirements": [
                    req(
                        "buku_nikah",
                        "Buku nikah / akta perkawinan atau akta perceraian",
                        condition="!unregistered_marriage",
                    ),
                    req(
                        "sptjm_perkawinan",
                        "SPTJM perkawinan/perceraian belum tercatat (F-1.05)",
                        condition="unregistered_marriage",
                    ),
                    local("f101", "Formulir biodata keluarga (F-1.01)"),
                    F102,
                    local("kk_lama", "KK lama suami dan/atau istri"),
                    local("surat_pindah", "Surat keterangan pindah (bagi yang pindah datang)"),
                ],
            },
            {
                "code": "kk-kepala-meninggal",
                "name": "KK baru karena kepala keluarga meninggal",
                "output": "document",
                "form_fields": ["new_head_nik", "reason"],
                "help_text": "Pilih anggota keluarga yang menjadi kepala keluarga baru.",
                "eligibility": ["member_alive"],
                "requirements": [
                    req("akta_kematian", "Akta kematian kepala keluarga"),
                    KK_OLD,
                ],
            },
            {
                "code": "kk-pisah",
                "name": "Pisah KK dalam satu alamat",
                "output": "document",
                "help_text": "Yang pisah KK berusia 17 tahun atau sudah/pernah kawin.",
                "form_fields": ["reason"],
                "eligibility": ["member_alive", "ektp_age"],
                "requirements": [
                    KK_OLD,
                    req(
                        "ektp_pemohon",
                        "e-KTP anggota yang pisah KK",
                        help="Menunjukkan usia 17 tahun atau sudah/pernah kawin.",
                    ),
                    F102,
                    local(
                        "dokumen_perkawinan", "Dokumen perkawinan/perceraian (bila itu sebabnya)"
                    ),
                ],
            },
            {
                "code": "kk-perubahan-data",
                "name": NEWBORN_NOTE_VARIANT_NAME,
                "help_text": NEWBORN_NOTE,
                "output": "document",
                "form_fields": KK_CHANGE_FIELDS,
                "eligibility": ["member_alive"],
                "requirements": [
                    KK_OLD,
                    req(
                        "bukti_perubahan",
                        "Bukti peristiwa/perubahan data",
                        help=CHANGE_EVIDENCE_HELP,
                    ),
                    *KK_CHANGE_EVIDENCE,
                    F102,
                    local("f106", "Surat pernyataan perubahan data (F-1.06)"),
                ],
            },
            {
                "code": "kk-hilang-rusak",
                "name": "KK hilang atau rusak",
                "output": "document",
                "form_fields": ["lost_or_damaged", "police_report_number"],
                "eligibility": ["member_alive"],
                "requirements": [
                    req(
                        "surat_kehilangan",
                        "Surat keterangan kehilangan dari kepolisian",
                        condition="lost_or_damaged=hilang",
                    ),
                    req("kk_rusak", "Foto KK yang rusak", condition="lost_or_damaged=rusak"),
                    req("ektp", "e-KTP pemohon"),
                    F102,
                ],
            },
        ],
    },
    {
        "code": "ektp",
        "name": "e-KTP (KTP elektronik)",
        "order": 2,
        "description": "Cetak e-KTP bagi yang sudah perekaman: pertama kali, hilang, rusak, "
        "atau perubahan data. Kartu diambil sendiri dengan verifikasi sidik jari.",
        "variants": [
            {
                "code": "ektp-cetak",
                "name": "Cetak e-KTP pertama (sudah perekaman)",
                "output": "card",
                "form_fields": ["pickup_place"],
                "eligibility": ["member_alive", "ektp_recorded", "ektp_age"],
                "requirements": [KK],
            },
            {
                "code": "ektp-hilang",
                "name": "e-KTP hilang",
                "output": "card",
                "form_fields": ["police_report_number", "pickup_place"],
                "eligibility": ["member_alive", "ektp_recorded", "ektp_age"],
                "requirements": [
                    req("surat_kehilangan", "Surat keterangan kehilangan dari kepolisian"),
                    KK,
                ],
            },
            {
                "code": "ektp-rusak",
                "name": "e-KTP rusak",
                "output": "card",
                "help_text": "Kartu yang rusak diserahkan saat pengambilan kartu baru.",
                "form_fields": ["pickup_place"],
                "eligibility": ["member_alive", "ektp_recorded", "ektp_age"],
                "requirements": [req("foto_ektp_rusak", "Foto e-KTP yang rusak", kinds=IMG), KK],
            },
            {
                "code": "ektp-perubahan-data",
                "name": "e-KTP perubahan data",
                "output": "card",
                "form_fields": ["changed_field", "new_value", "pickup_place"],
                "eligibility": ["member_alive", "ektp_recorded", "ektp_age"],
                "requirements": [
                    req("ektp_lama", "e-KTP lama"),
                    req("kk_terbaru", "KK terbaru (bukti perubahan data)"),
                ],
            },
        ],
    },
    {
        "code": "akta_lahir",
        "name": "Akta Kelahiran",
        "order": 3,
        "description": "Pencatatan kelahiran; anak mendapat NIK dan ditambahkan ke KK.",
        "variants": [
            {
                "code": "akta-kelahiran",
                "name": "Pencatatan kelahiran",
                "output": "document",
                "subject": "newborn",
                "form_fields": [
                    "child_name",
                    "child_sex",
                    "child_birth_date",
                    "child_birth_place",
                    "child_relationship",
                    "father_nik",
                    "mother_nik",
                    "no_birth_letter",
                    "no_marriage_certificate",
                    "witness1_nik",
                    "witness2_nik",
                ],
                "eligibility": ["newborn"],
                "requirements": [
                    req(
                        "surat_kelahiran",
                        "Surat keterangan lahir dari rumah sakit/puskesmas/dokter/bidan",
                        condition="!no_birth_letter",
                    ),
                    req(
                        "sptjm_kelahiran",
                        "SPTJM kebenaran data kelahiran (F-2.03) dengan 2 saksi",
                        condition="no_birth_letter",
                    ),
                    req(
                        "buku_nikah",
                        "Buku nikah / akta perkawinan orang tua",
                        condition="!no_marriage_certificate",
                    ),
                    req(
                        "sptjm_suami_istri",
                        "SPTJM kebenaran sebagai pasangan suami istri (F-2.04)",
                        condition="no_marriage_certificate",
                    ),
                    KK,
                    req("f201", "Formulir pelaporan pencatatan sipil (F-2.01)"),
                    local("ektp_pelapor", "e-KTP pelapor"),
                    local("ektp_orang_tua", "e-KTP ayah dan ibu"),
                    local("ektp_saksi", "e-KTP dua orang saksi"),
                ],
            },
        ],
    },
    {
        "code": "akta_mati",
        "name": "Akta Kematian",
        "order": 4,
        "description": "Laporkan kematian paling lambat 30 hari setelah meninggal.",
        "variants": [
            {
                "code": "akta-kematian",
                "name": "Pencatatan kematian",
                "output": "document",
                "form_fields": ["death_date", "death_place", "death_cause"],
                "eligibility": ["member_alive"],
                "requirements": [
                    req(
                        "surat_kematian",
                        "Surat keterangan kematian dari dokter atau kepala desa/lurah",
                    ),
                    # Not a national rule: Kudus asks it of reports over 30 days (UU 24/2013 sets
                    # the 30 days), so it is mandatory only then. Editable in the admin.
                    req(
                        "pernyataan_terlambat",
                        "Surat pernyataan keterlambatan pelaporan kematian",
                        basis="local",
                        condition="late_death_report",
                        help="Diperlukan bila kematian dilaporkan lebih dari 30 hari.",
                    ),
                    local(
                        "f201",
                        "Formulir pelaporan pencatatan sipil (F-2.01) dengan tanda tangan "
                        "pelapor dan 2 saksi",
                    ),
                    local("kk", "Kartu Keluarga almarhum/almarhumah"),
                    local("ektp_almarhum", "e-KTP almarhum/almarhumah"),
                    local("ektp_pelapor_saksi", "e-KTP pelapor dan 2 saksi"),
                ],
            },
        ],
    },
    {
        "code": "kia",
        "name": "Kartu Identitas Anak (KIA)",
        "order": 5,
        "description": "KIA untuk anak di bawah 17 tahun (Permendagri 2/2016).",
        "variants": [
            {
                "code": "kia-bawah-5",
                "name": "KIA anak di bawah 5 tahun",
                "output": "card",
                "help_text": "Tanpa foto; berlaku sampai anak berusia 5 tahun.",
                "form_fields": ["pickup_place"],
                "eligibility": ["member_alive", "kia_under_5"],
                "requirements": [
                    req("akta_kelahiran", "Akta kelahiran anak"),
                    req("kk", "KK orang tua"),
                    req("ektp_orang_tua", "e-KTP kedua orang tua atau wali"),
                ],
            },
            {
                "code": "kia-5-17",
                "name": "KIA anak 5 sampai 17 tahun",
                "output": "card",
                "help_text": "Berlaku sampai anak berusia 17 tahun kurang satu hari.",
                "form_fields": ["pickup_place"],
                "eligibility": ["member_alive", "kia_5_to_17"],
                "requirements": [
                    req("akta_kelahiran", "Akta kelahiran anak"),
                    req("kk", "KK orang tua"),
                    req("ektp_orang_tua", "e-KTP kedua orang tua atau wali"),
                    req(
                        "pas_foto",
                        "Pas foto berwarna 2x3",
                        kinds=IMG,
                        help="Foto wajah anak tampak depan, latar polos.",
                    ),
                ],
            },
        ],
    },
]

DEFICIENCY_REASONS = [
    ("missing", "Dokumen belum diunggah"),
    ("unreadable", "Berkas tidak terbaca, buram atau terpotong"),
    ("wrong_document", "Dokumen yang diunggah bukan yang diminta"),
    ("data_mismatch", "Data berbeda antara KK, e-KTP dan buku nikah"),
    ("kk_not_signed", "KK belum ditandatangani kepala keluarga"),
    ("nik_not_registered", "NIK tidak terdaftar di database kependudukan Kabupaten Kudus"),
    ("not_recorded", "Belum perekaman e-KTP"),
    ("age_or_marriage", "Syarat usia atau status perkawinan belum terpenuhi"),
    ("duplicate", "Permohonan ganda atau baru saja diajukan"),
    ("late_death_report", "Pelaporan kematian lewat 30 hari"),
    ("witness_incomplete", "Data saksi belum lengkap"),
    ("data_incorrect", "Isian data tidak benar"),
    ("other", "Lainnya (lihat catatan petugas)"),
]


def load(apps) -> None:
    Service = apps.get_model("catalog", "Service")
    Variant = apps.get_model("catalog", "Variant")
    Requirement = apps.get_model("catalog", "Requirement")
    DeficiencyReason = apps.get_model("catalog", "DeficiencyReason")
    for s in SERVICES:
        service, _ = Service.objects.update_or_create(
            code=s["code"],
            defaults={"name": s["name"], "description": s["description"], "order": s["order"]},
        )
        for vi, v in enumerate(s["variants"]):
            variant, _ = Variant.objects.update_or_create(
                code=v["code"],
                defaults={
                    "service": service,
                    "name": v["name"],
                    "help_text": v.get("help_text", ""),
                    "subject": v.get("subject", "member"),
                    "output": v["output"],
                    "form_fields": v["form_fields"],
                    "eligibility": v["eligibility"],
                    "order": vi,
                },
            )
            for ri, r in enumerate(v["requirements"]):
                Requirement.objects.update_or_create(
                    variant=variant, code=r["code"], defaults={**r, "order": ri}
                )
    for i, (code, name) in enumerate(DEFICIENCY_REASONS):
        DeficiencyReason.objects.update_or_create(code=code, defaults={"name": name, "order": i})
