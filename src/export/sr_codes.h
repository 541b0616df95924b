#pragma once
// Every concept code the Structured Report export uses, in one place, with
// where it was confirmed. docs/structured-report.md lists the same table.
//
// Codes whose standard value could not be confirmed from the DICOM standard
// text available to us use Antra's private coding scheme "99ANTRA" (declared
// in the Coding Scheme Identification Sequence) instead of a guessed
// standard code: a receiver then knows they are local, never misreads them.

#include <dcmtk/dcmsr/dsrcodvl.h>

namespace antra::sr {

// Private coding scheme.
inline constexpr const char* kPrivateScheme = "99ANTRA";
inline constexpr const char* kPrivateSchemeName = "Antra local codes";

// PS3.16 TID 5000 row 1 / CID 12024.
inline DSRCodedEntryValue ObGynReport() { return {"125000", "DCM", "OB-GYN Ultrasound Procedure Report"}; }
// PS3.16 TID 1204 / DCMTK CODE_DCM_LanguageOfContentItemAndDescendants.
inline DSRCodedEntryValue Language() { return {"121049", "DCM", "Language of Content Item and Descendants"}; }
inline DSRCodedEntryValue English() { return {"eng", "RFC5646", "English"}; }  // CID 5000 (DCMTK cmr/cid5000.h)
// PS3.16 TID 1001/1002/1004 (DCMTK codes/dcm.h).
inline DSRCodedEntryValue ObserverType() { return {"121005", "DCM", "Observer Type"}; }
inline DSRCodedEntryValue Person() { return {"121006", "DCM", "Person"}; }
inline DSRCodedEntryValue Device() { return {"121007", "DCM", "Device"}; }
inline DSRCodedEntryValue PersonObserverName() { return {"121008", "DCM", "Person Observer Name"}; }
inline DSRCodedEntryValue DeviceObserverUid() { return {"121012", "DCM", "Device Observer UID"}; }
inline DSRCodedEntryValue DeviceObserverName() { return {"121013", "DCM", "Device Observer Name"}; }
// PS3.16 TID 5000 row 5.
inline DSRCodedEntryValue ImageLibrary() { return {"111028", "DCM", "Image Library"}; }
// PS3.17 Annex I examples 8 and 9 (section concept); DCMTK marks 121070 as
// retired in its 2022 code list, see docs.
inline DSRCodedEntryValue Findings() { return {"121070", "DCM", "Findings"}; }
// DCMTK codes/sct.h (PS3.16 TID 300 / CID 244).
inline DSRCodedEntryValue FindingSite() { return {"363698007", "SCT", "Finding Site"}; }
inline DSRCodedEntryValue Laterality() { return {"272741003", "SCT", "Laterality"}; }
// PS3.16 TID 5000 row 17 (2025e) / DCMTK cmr CID 244.
inline DSRCodedEntryValue Left() { return {"7771000", "SCT", "Left"}; }
inline DSRCodedEntryValue Right() { return {"24028007", "SCT", "Right"}; }
// Not confirmed in the standard text: value from two independent OB-GYN SR
// implementations.
inline DSRCodedEntryValue Ovary() { return {"15497006", "SCT", "Ovary"}; }
// Standard code not confirmed: private.
inline DSRCodedEntryValue OvarianFollicle() { return {"OVFOLLICLE", kPrivateScheme, "Ovarian Follicle"}; }
// PS3.16 TID 5000 row 17 ($Number for the left ovary).
inline DSRCodedEntryValue FollicleCountLeft() { return {"11879-4", "LN", "Number of follicles in left ovary"}; }
// Standard code not confirmed: private.
inline DSRCodedEntryValue FollicleCountRight() { return {"NFOLLICLES-R", kPrivateScheme, "Number of follicles in right ovary"}; }
// Not in TID 5013 (an extension, which the template allows): private.
inline DSRCodedEntryValue AntralFollicleCount() { return {"AFC-2-10MM", kPrivateScheme, "Antral follicle count (2 to 10 mm)"}; }
// DCMTK codes/dcm.h; PS3.17 Annex I example 9.
inline DSRCodedEntryValue MeasurementGroup() { return {"125007", "DCM", "Measurement Group"}; }
inline DSRCodedEntryValue Identifier() { return {"125010", "DCM", "Identifier"}; }
// PS3.16 CID 7470 (DCMTK cmr): the template's own "Follicle Diameter" code
// was not confirmed, so the generic diameter is used inside the follicle's
// measurement group.
inline DSRCodedEntryValue Diameter() { return {"81827009", "SCT", "Diameter"}; }
inline DSRCodedEntryValue Derivation() { return {"121401", "DCM", "Derivation"}; }
inline DSRCodedEntryValue Mean() { return {"373098007", "SCT", "Mean"}; }   // CID 3488
inline DSRCodedEntryValue Maximum() { return {"56851009", "SCT", "Maximum"}; }  // CID 3488
// LOINC ovary biometry; not confirmed in the standard text: values from two
// independent OB-GYN SR implementations.
inline DSRCodedEntryValue OvaryLength(bool left) {
  return left ? DSRCodedEntryValue("11840-6", "LN", "Left Ovary Length") : DSRCodedEntryValue("11841-4", "LN", "Right Ovary Length");
}
inline DSRCodedEntryValue OvaryWidth(bool left) {
  return left ? DSRCodedEntryValue("11829-9", "LN", "Left Ovary Width") : DSRCodedEntryValue("11830-7", "LN", "Right Ovary Width");
}
inline DSRCodedEntryValue OvaryHeight(bool left) {
  return left ? DSRCodedEntryValue("11857-0", "LN", "Left Ovary Height") : DSRCodedEntryValue("11858-8", "LN", "Right Ovary Height");
}
inline DSRCodedEntryValue OvaryVolume(bool left) {
  return left ? DSRCodedEntryValue("12164-0", "LN", "Left Ovary Volume") : DSRCodedEntryValue("12165-7", "LN", "Right Ovary Volume");
}
// Units (UCUM, DCMTK codes/ucum.h).
inline DSRCodedEntryValue Millimetre() { return {"mm", "UCUM", "millimeter"}; }
inline DSRCodedEntryValue Millilitre() { return {"ml", "UCUM", "ml"}; }
inline DSRCodedEntryValue Count() { return {"{follicles}", "UCUM", "follicles"}; }

}  // namespace antra::sr
