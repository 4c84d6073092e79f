// Most of these tests spend their time waiting (for containers to start, health checks to pass, scaling timelines
// to elapse) rather than computing: four test classes at a time instead of one per core keep a 2-core machine busy.
[assembly: Xunit.v3.Parallelization(MaxThreads = 4)]
