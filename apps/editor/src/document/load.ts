/** The document screen's chunk; also called early (hover, click) so it downloads while the API call runs. */
export const loadDocumentScreen = () => import('./DocumentScreen');
