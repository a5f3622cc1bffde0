"""Training beside the serving path: the reader's network, its training run and its one-time
ONNX export. The only code that imports peft; answering never imports torch."""
