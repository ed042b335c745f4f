"""Development and operations tooling: the CLI, the local-stack launcher, evaluation and
training. Never shipped in a service image (see the Dockerfile); it may import the runtime
packages (masterx, services), never the other way round."""
