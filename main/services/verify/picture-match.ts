// Moved to imaging/ (pure, shared with the service's H5 checks); kept here for main's imports.
export { bestWindowCorrelation, correlation, mirrored, type Grey } from '../../../imaging/picture-match';
