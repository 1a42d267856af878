// A load series as the capacity forecast reads it: the same shape as the metrics port's points, without the port.

export interface MetricPoint {
  at: Date;
  value: number;
}
