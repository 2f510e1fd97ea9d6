import ArgumentParser
struct Sample: ParsableCommand {}
