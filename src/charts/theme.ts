/**
 * Sizes at the default 960 x 540, multiplied by the model's scale. Chosen so that a chart shown at the
 * width of a phone screen (about 360 points) still has labels around 7-8 points high.
 */
export const SIZE = {
  pad: 28,
  title: 30,
  subtitle: 20,
  legend: 19,
  tick: 18,
  category: 18,
  categoryDense: 15,
  value: 16,
  gap: 10,
  line: 3.5,
  point: 4.5,
} as const;

export const INK = {
  background: '#ffffff',
  title: '#111827',
  text: '#374151',
  muted: '#6b7280',
  grid: '#e5e7eb',
  zero: '#9ca3af',
} as const;
