import { parseCalibration, type Calibration } from './calibration';
import shipped from './data/calibration.json';

// Kept apart from calibration.ts so the bench that generates the file can run before it exists.

/** The calibration shipped with the engine (face/data/calibration.json, bundled into the build). */
export function shippedCalibration(): Calibration {
  return parseCalibration(shipped);
}
