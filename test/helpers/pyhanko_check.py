"""Validates every signature of a PDF with pyHanko and prints one JSON report.

Usage: python pyhanko_check.py FILE.pdf ROOT.pem [--revocation soft-fail|hard-fail|require] [--ades-lta]

Trusts only ROOT.pem and never fetches over the network: revocation data can only come from
the file itself (its DSS) or the CMS. The output is a JSON object {"signatures": [...]}, one
entry per embedded signature in file order, with pyHanko's own verdict fields.

With --ades-lta, each signature (not document timestamps) is also validated by pyHanko's
AdES validation for signatures with long-term availability and integrity of validation material
(ETSI EN 319 102-1 5.6.3, pyhanko.sign.validation.ades.ades_lta_validation): revocation
information required, local only (the DSS and the CMS; never fetched), the document
timestamps as evidence record. Its verdict is under "ades": status (PASSED / INDETERMINATE /
FAILED), subindication and pyHanko's failure message.
"""
import asyncio
import json
import sys

from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
from pyhanko_certvalidator import ValidationContext


def name(value):
    return value.name if value is not None else None


def ades_lta(sig, root):
    """pyHanko's AdES-LTA verdict on one signature, offline, with revocation info required."""
    from pyhanko.sign.diff_analysis import DEFAULT_DIFF_POLICY
    from pyhanko.sign.validation.ades import ades_lta_validation
    from pyhanko.sign.validation.policy_decl import (
        PdfSignatureValidationSpec,
        RevinfoOnlineFetchingRule,
        RevocationInfoGatheringSpec,
        SignatureValidationSpec,
    )
    from pyhanko_certvalidator.context import CertValidationPolicySpec
    from pyhanko_certvalidator.policy_decl import REQUIRE_REVINFO, CertRevTrustPolicy, FreshnessReqType
    from pyhanko_certvalidator.registry import SimpleTrustManager

    policy = CertValidationPolicySpec(
        trust_manager=SimpleTrustManager.build(trust_roots=[root]),
        revinfo_policy=CertRevTrustPolicy(
            REQUIRE_REVINFO, freshness=None, freshness_req_type=FreshnessReqType.MAX_DIFF_REVOCATION_VALIDATION
        ),
    )
    spec = PdfSignatureValidationSpec(
        signature_validation_spec=SignatureValidationSpec(
            cert_validation_policy=policy,
            revinfo_gathering_policy=RevocationInfoGatheringSpec(
                online_fetching_rule=RevinfoOnlineFetchingRule.LOCAL_ONLY
            ),
        ),
        diff_policy=DEFAULT_DIFF_POLICY,
    )
    try:
        result = asyncio.run(ades_lta_validation(sig, spec))
    except Exception as exc:
        return {"status": "ERROR", "failure": f"{type(exc).__name__}: {exc}"}
    return {
        "status": result.ades_subindic.status.name,
        "subindication": result.ades_subindic.standard_name,
        "failure": result.failure_msg,
        "evidence_record_time": (
            result.oldest_evidence_record_timestamp.isoformat() if result.oldest_evidence_record_timestamp else None
        ),
    }


def main():
    pdf_path, root_path = sys.argv[1], sys.argv[2]
    revocation_mode = "soft-fail"
    if "--revocation" in sys.argv:
        revocation_mode = sys.argv[sys.argv.index("--revocation") + 1]
    with_ades_lta = "--ades-lta" in sys.argv
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
                    if with_ades_lta:
                        entry["ades"] = ades_lta(sig, root)
            except Exception as exc:
                entry.update(bottom_line=False, error=f"{type(exc).__name__}: {exc}")
            report["signatures"].append(entry)
    print(json.dumps(report))


main()
