/**
 * Inhabitants (thousands, rounded, 2024) of Region Midtjylland's municipalities: demo courses are spread in
 * proportion, so Aarhus has many and Samsø few, as in real life.
 */
export const INHABITANTS_THOUSANDS: Readonly<Record<string, number>> = {
  '615': 98, '657': 90, '661': 59, '665': 19, '671': 21, '706': 44, '707': 37, '710': 50, '727': 23, '730': 100,
  '740': 101, '741': 4, '746': 64, '751': 367, '756': 42, '760': 56, '766': 47, '779': 46, '791': 98,
};
