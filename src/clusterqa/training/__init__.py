"""Training beside the serving path: the reader's network, its training run and its one-time
ONNX export. The only package code that imports torch and peft."""
