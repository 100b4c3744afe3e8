// What Google.Protobuf's InvalidProtocolBufferException means here: the bytes are not a well-formed
// message of the expected type. Decoders throw only this for bad input.
export class InvalidProtocolBufferException extends Error {
  constructor(message) {
    super(message);
    this.name = 'InvalidProtocolBufferException';
  }
}
