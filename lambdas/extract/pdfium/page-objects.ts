/** FPDFPageObj_GetType's object types (FPDF_PAGEOBJ_*) the readers look at. */
export const PAGE_OBJECT = { text: 1, path: 2, image: 3, form: 5 } as const;
