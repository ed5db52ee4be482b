// Placeholder: replaced by the program this target is for.
print("zmq-soak: not written yet")
