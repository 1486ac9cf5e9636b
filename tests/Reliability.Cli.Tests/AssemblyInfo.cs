// Each test here starts the real CLI, most of them a whole embedded environment (nine processes). On two
// cores, several at once starve each other and turn timing into flakiness, so they run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
