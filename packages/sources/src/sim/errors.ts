/** A fault or operation the simulated cluster refuses; the message is meant for humans (and the API). */
export class SimFaultError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SimFaultError';
  }
}
