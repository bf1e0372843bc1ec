"""Validates every signature of a PDF with pyHanko and prints one JSON report.

Usage: python pyhanko_check.py FILE.pdf ROOT.pem [--revocation soft-fail|hard-fail|require]

Trusts only ROOT.pem and never fetches over the network: revocation data can only come from
the file itself (its DSS) or the CMS. The output is a JSON object {"signatures": [...]}, one
entry per embedded signature in file order, with pyHanko's own verdict fields.
"""
import json
import sys

from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
from pyhanko_certvalidator import ValidationContext


def name(value):
    return value.name if value is not None else None


def main():
    pdf_path, root_path = sys.argv[1], sys.argv[2]
    revocation_mode = "soft-fail"
    if "--revocation" in sys.argv:
        revocation_mode = sys.argv[sys.argv.index("--revocation") + 1]
    root = load_cert_from_pemder(root_path)

    def context():
        return ValidationContext(trust_roots=[root], allow_fetching=False, revocation_mode=revocation_mode)

    report = {"signatures": []}
    with open(pdf_path, "rb") as f:
        try:
            reader = PdfFileReader(f, strict=False)
            signatures = list(reader.embedded_signatures)
        except Exception as exc:  # an unreadable file is a verdict too
            report["error"] = f"{type(exc).__name__}: {exc}"
            print(json.dumps(report))
            return
        for sig in signatures:
            entry = {"field": sig.field_name, "type": sig.sig_object_type}
            try:
                if sig.sig_object_type == "/DocTimeStamp":
                    status = validate_pdf_timestamp(sig, validation_context=context())
                    entry.update(
                        intact=status.intact,
                        valid=status.valid,
                        trusted=status.trusted,
                        bottom_line=bool(status.intact and status.valid and status.trusted),
                        modification_level=name(status.modification_level),
                        coverage=name(status.coverage),
                        timestamp=status.timestamp.isoformat(),
                    )
                else:
                    status = validate_pdf_signature(
                        sig, signer_validation_context=context(), ts_validation_context=context()
                    )
                    entry.update(
                        intact=status.intact,
                        valid=status.valid,
                        trusted=status.trusted,
                        bottom_line=status.bottom_line,
                        modification_level=name(status.modification_level),
                        docmdp_ok=status.docmdp_ok,
                        coverage=name(status.coverage),
                        has_timestamp=status.timestamp_validity is not None,
                    )
            except Exception as exc:
                entry.update(bottom_line=False, error=f"{type(exc).__name__}: {exc}")
            report["signatures"].append(entry)
    print(json.dumps(report))


main()
