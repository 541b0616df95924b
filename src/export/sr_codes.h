#pragma once
// Every concept code the Structured Report export uses, in one place, each
// with the source it was confirmed in. docs/structured-report.md lists the
// same table and the codes that were looked for but could not be confirmed
// (those are left out of the SR rather than guessed or made up).
//
// Sources named below:
//   D-1      PS3.16 Annex D Table D-1 (DCM codes), as shipped in
//            bvdh/dicom-terminology-in-fhir input/fsh/CodeSystem-dicom-dcm-codesystem.fsh
//            (version 2026.2.20260327), which also marks retired codes.
//   TID 5000 PS3.16 2025e, dicom.nema.org .../part16/sect_OB-GYNReportTemplates.html
//   DCMTK    DCMTK 3.6.7 headers dcmsr/codes/{dcm,sct,ucum}.h and dcmsr/cmr/cid*.h

#include <dcmtk/dcmsr/dsrcodvl.h>

namespace antra::sr {

// TID 5000 row 1 (BCID 12024); CID 12024 lists it (bvdh ValueSet-dicom-cid-12024).
inline DSRCodedEntryValue ObGynReport() { return {"125000", "DCM", "OB-GYN Ultrasound Procedure Report"}; }
// TID 1204; D-1 (active).
inline DSRCodedEntryValue Language() { return {"121049", "DCM", "Language of Content Item and Descendants"}; }
inline DSRCodedEntryValue English() { return {"eng", "RFC5646", "English"}; }  // CID 5000 (DCMTK cmr/cid5000.h)
// TID 1001/1002/1004 (DCMTK codes/dcm.h).
inline DSRCodedEntryValue ObserverType() { return {"121005", "DCM", "Observer Type"}; }
inline DSRCodedEntryValue Person() { return {"121006", "DCM", "Person"}; }
inline DSRCodedEntryValue Device() { return {"121007", "DCM", "Device"}; }
inline DSRCodedEntryValue PersonObserverName() { return {"121008", "DCM", "Person Observer Name"}; }
inline DSRCodedEntryValue DeviceObserverUid() { return {"121012", "DCM", "Device Observer UID"}; }
inline DSRCodedEntryValue DeviceObserverName() { return {"121013", "DCM", "Device Observer Name"}; }
// TID 5000 row 5.
inline DSRCodedEntryValue ImageLibrary() { return {"111028", "DCM", "Image Library"}; }

// Follicle counting concepts of D-1 (130901-130914, with CID 12010).
// D-1 130907: "the total number of antral follicles counted in both ovaries".
inline DSRCodedEntryValue TotalAntralFollicleCount() { return {"130907", "DCM", "Total Antral Follicle Count"}; }
// D-1 130901: "the counted group of follicles that fall within a specified type and size range".
inline DSRCodedEntryValue FollicleCountGroup() { return {"130901", "DCM", "Follicle Count Group"}; }
// D-1 130908, its values are CID 12010 "Follicle Type" (bvdh ValueSet-dicom-cid-12010).
inline DSRCodedEntryValue FollicleType() { return {"130908", "DCM", "Follicle Type"}; }
inline DSRCodedEntryValue AntralFollicle() { return {"130910", "DCM", "Antral Follicle"}; }  // CID 12010, D-1
// D-1 130902 / 130903: the lowest / highest value included in a diameter range.
inline DSRCodedEntryValue DiameterRangeMinimum() { return {"130902", "DCM", "Diameter Range Minimum Value"}; }
inline DSRCodedEntryValue DiameterRangeMaximum() { return {"130903", "DCM", "Diameter Range Maximum Value"}; }
// D-1 130906: "the number of follicles observed in a specified size range".
inline DSRCodedEntryValue NumberOfFolliclesInRange() { return {"130906", "DCM", "Number of Follicles in Range"}; }

// DCMTK codes/sct.h (TID 300 / CID 244).
inline DSRCodedEntryValue Laterality() { return {"272741003", "SCT", "Laterality"}; }
// TID 5000 row 17 $Laterality (2025e) / DCMTK cmr/cid244.h.
inline DSRCodedEntryValue Left() { return {"7771000", "SCT", "Left"}; }
inline DSRCodedEntryValue Right() { return {"24028007", "SCT", "Right"}; }  // CID 244 (DCMTK cmr/cid244.h)

// DCMTK codes/dcm.h (D-1).
inline DSRCodedEntryValue MeasurementGroup() { return {"125007", "DCM", "Measurement Group"}; }
inline DSRCodedEntryValue Identifier() { return {"125010", "DCM", "Identifier"}; }
// CID 7470, included in CID 7469 (DCMTK cmr/cid7469.h); also in CID 12008.
inline DSRCodedEntryValue Diameter() { return {"81827009", "SCT", "Diameter"}; }
inline DSRCodedEntryValue Derivation() { return {"121401", "DCM", "Derivation"}; }  // DCMTK codes/dcm.h
inline DSRCodedEntryValue Mean() { return {"373098007", "SCT", "Mean"}; }          // CID 3488 (DCMTK cmr/cid7464.h)

// Units (UCUM; DCMTK codes/ucum.h for mm). "{follicles}" is a UCUM annotation
// (a dimensionless count with a label), not a concept code.
inline DSRCodedEntryValue Millimetre() { return {"mm", "UCUM", "millimeter"}; }
inline DSRCodedEntryValue Count() { return {"{follicles}", "UCUM", "follicles"}; }

}  // namespace antra::sr
