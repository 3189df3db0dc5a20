import type { Db } from '../../../server/db/connect';
import { addCourse, addCourses, completedCourse } from '../../integration/indicators/fixtures';

/**
 * HK03 (Vedholdenhed) in 2025, by hand:
 * - 751 Aarhus: 10 decided (8 completed, 2 dropped out) and 1 closed without outcome (missing) → 8/10, missing 1
 * - 657 Herning: 6 completed → 6/6
 * - 730 Randers: 3 completed → 3/3, "få data"
 * - 101 København (Region Hovedstaden): 2 completed → 2/2, "få data"
 */
export async function seedHk03(db: Db): Promise<{ aarhusNotMet: number[]; aarhusMissing: number }> {
  const end = '2025-05-10';
  await addCourses(db, 8, completedCourse(end, { municipality_code: '751' }));
  const aarhusNotMet = [
    await addCourse(db, completedCourse(end, { municipality_code: '751', outcome: 'dropped_out' })),
    await addCourse(db, completedCourse(end, { municipality_code: '751', outcome: 'dropped_out' })),
  ];
  const aarhusMissing = await addCourse(db, completedCourse(end, { municipality_code: '751', outcome: null }));
  await addCourses(db, 6, completedCourse(end, { municipality_code: '657' }));
  await addCourses(db, 3, completedCourse(end, { municipality_code: '730' }));
  await addCourses(db, 2, completedCourse(end, { municipality_code: '101' }));
  return { aarhusNotMet, aarhusMissing };
}

export const HK03_2025 = 'period=2025&indicator_id=HK03';
