const runMetricsFitTheSchema = true;
void runMetricsFitTheSchema;
export {};
