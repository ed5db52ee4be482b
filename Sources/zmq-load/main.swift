// Placeholder: replaced by the program this target is for.
print("zmq-load: not written yet")
